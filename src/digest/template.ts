/**
 * The formal document's template fields (brief §5.3), apart from the renderer so that loading the
 * service does not load the `docx` library until a document is made.
 *
 * The issuing body and place are derived from the scope's unit on the roster, so a roster in the
 * post-1/7/2025 shape (tỉnh > phường) never prints a body that no longer exists. What the roster
 * cannot know (the plan the report answers, the recipients, the signer) comes from per-scope
 * settings; while unset the document shows a dotted line for the compiler to fill in by hand.
 */
import { fold } from '../domain/text.js';

// The template model is domain vocabulary (the store keeps the settings too); re-exported for the digest's callers.
export * from '../domain/docTemplate.js';
import { DOTTED, type DocTemplate } from '../domain/docTemplate.js';

/** The report's opening sentence: the basis, the area, the issuing body. */
export function openingLine(t: DocTemplate): string {
  const plan = t.planReference.trim() || DOTTED;
  const area = t.areaInText && !fold(plan).includes('tren dia ban') ? ` trên địa bàn ${t.areaInText}` : '';
  return `${plan}${area}, ${t.issuingBodyInText || DOTTED} báo cáo như sau:`.normalize('NFC');
}
