"""The department's printed documents (FUL-1, FUL-3, FUL-6, AS-9, HR-33): `pdf.Printable` describes one
document as data and `pdf.render` draws it with the CJK font embedded. Shared by every service that
prints a paper form and by the back office, so each form is drawn the same way."""
