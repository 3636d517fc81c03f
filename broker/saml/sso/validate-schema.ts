// Step 2: hardened parse (DOCTYPE refused first) and the structural validator, before any other
// work on the message — no signature, no registry lookup on a message that breaks the schema.
import { MESSAGE_LIMITS, parseXml, type ParsedXml } from '../parse-xml.js';
import { validateStructure, type InboundKind, type StructureResult } from '../validate-structure.js';

export function validateSchema(xml: string, expect: readonly InboundKind[], maxBytes: number): ParsedXml & { structure: StructureResult } {
  const parsed = parseXml(xml, { ...MESSAGE_LIMITS, maxBytes });
  return { ...parsed, structure: validateStructure(parsed.root, expect) };
}
