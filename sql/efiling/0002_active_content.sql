-- eFiling plugin, version 2 (issue 11 §11): PDFs with active content
-- (JavaScript, a Launch action, embedded files; or an object stream that
-- cannot be checked for them) are refused, unless the court's set-up says
-- to accept and flag them: then the document is kept with what was found,
-- and the clerk is warned on review.
ALTER TABLE mc_ef_court
  ADD COLUMN active_content ENUM('refuse','flag') NOT NULL DEFAULT 'refuse' AFTER text_pdf_only;

-- The MC_PDF_FOUND_* bits (plugins/efiling/lib/mc_pdf.h) of a document a
-- flagging court accepted; 0 for a document without active content.
ALTER TABLE mc_ef_document
  ADD COLUMN active_found TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER sha256;
