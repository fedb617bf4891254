"""Edit a .docx in LibreOffice through UNO, as a person would in Writer, and save it as .docx.

Run with the system Python that has LibreOffice's `uno` module:
    python3 edit_report.py IN.docx OUT.docx EDITS.json
EDITS is a list of {"find": text at the start of a paragraph, "append": text typed at its end}
or {"find": ..., "new_paragraph": text typed after pressing Enter at its end}.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main(source, target, edits_path):
    with open(edits_path, encoding="utf-8") as handle:
        edits = json.load(handle)
    pipe = "reportkit_" + uuid.uuid4().hex
    profile = tempfile.mkdtemp()
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
         "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(300):
            try:
                context = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.2)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
            (prop("Hidden", True),))
        text = document.Text
        for edit in edits:
            paragraphs = text.createEnumeration()
            while paragraphs.hasMoreElements():
                paragraph = paragraphs.nextElement()
                if paragraph.supportsService("com.sun.star.text.Paragraph") and \
                        paragraph.getString().startswith(edit["find"]):
                    break
            else:
                raise SystemExit(f"no paragraph starts with {edit['find']!r}")
            cursor = text.createTextCursorByRange(paragraph.getEnd())
            if "append" in edit:
                text.insertString(cursor, edit["append"], False)
            if "new_paragraph" in edit:
                text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK, as Enter
                text.insertString(cursor, edit["new_paragraph"], False)
        document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                            (prop("FilterName", "MS Word 2007 XML"),))
        document.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, 9)
            office.wait()


if __name__ == "__main__":
    main(*sys.argv[1:4])
