// From a finding to a line of the source: `line N` (parser errors), a JSON parse position, an
// XPath (CDA, FHIR XML: path walked in the XML tree), a FHIRPath (FHIR JSON, FHIR XML) or an HL7
// v2 location (MSH-9, OBX[2]-5.5: the line of that segment).
import type { OutcomeIssue } from '../api.js';
import type { Kind } from './detect.js';
import { jsonTree, lineOfFhirPath, fhirPathSteps, type JsonNode } from './json-lines.js';
import { lineOf, lineOfXpath, lineStarts, xmlTree, type XmlNode } from './xml-lines.js';

export type Locator = (issue: OutcomeIssue) => number | undefined;

const HL7_LOCATION = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-\d+(?:\.\d+)*)?$/i;

export function locator(text: string, kind: Kind): Locator {
  let xml: XmlNode | undefined | null = null;
  let json: JsonNode | undefined | null = null;
  const starts = lineStarts(text);
  const xmlRoot = () => (xml === null ? (xml = xmlTree(text)) : xml);
  const jsonRoot = () => (json === null ? (json = jsonTree(text)) : json);
  return (issue) => {
    const exprs = [...(issue.expression ?? []), ...(issue.location ?? [])];
    for (const e of exprs) {
      const line = /^line (\d+)$/.exec(e);
      if (line) return Number(line[1]);
    }
    // A JSON syntax error: "... at position 123" (V8), or "(line 5 column 3)".
    const diag = issue.diagnostics ?? '';
    const lc = /line (\d+) column \d+/.exec(diag);
    if (lc) return Number(lc[1]);
    const pos = /at position (\d+)/.exec(diag);
    if (pos && kind === 'fhir-json') return lineOf(starts, Number(pos[1]));
    for (const e of exprs) {
      if (kind === 'hl7v2') {
        const m = HL7_LOCATION.exec(e);
        if (m) return segmentLine(text, m[1], m[2] ? Number(m[2]) : 1);
      } else if (e.startsWith('/')) {
        const root = xmlRoot();
        const l = root && lineOfXpath(root, e);
        if (l) return l;
      } else if (kind === 'fhir-json') {
        const root = jsonRoot();
        const l = root && lineOfFhirPath(root, e);
        if (l) return l;
      } else if (kind === 'fhir-xml') {
        const root = xmlRoot();
        const l = root && lineOfFhirPathInXml(root, e);
        if (l) return l;
      }
    }
    const inDiag = /\(line (\d+)\)/.exec(diag);
    return inDiag ? Number(inDiag[1]) : undefined;
  };
}

/** The line of the n-th segment of a name (ER7 segments are one a line once CRs are shown as line breaks). */
function segmentLine(text: string, name: string, nth: number): number | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].slice(0, 3).toUpperCase() === name.toUpperCase() && ++seen === nth) return i + 1;
  }
  return undefined;
}

/** FHIRPath over FHIR XML: elements by name, 0-based among same-named siblings; `resource` and
 *  `contained` hold the resource as a child element named by its type. */
function lineOfFhirPathInXml(root: XmlNode, path: string): number | undefined {
  let node = root;
  for (const step of fhirPathSteps(path).slice(1)) {
    const m = /^([A-Za-z_]\w*)(?:\[(\d+)\])?$/.exec(step);
    if (!m) break;
    const same = node.children.filter((c) => c.name === m[1] || (c.name.startsWith(m[1]) && /[A-Z]/.test(c.name[m[1].length] ?? '')));
    const next = same[m[2] ? Number(m[2]) : 0];
    if (!next) break;
    node = (next.name === 'resource' || next.name === 'contained') && next.children.length === 1 ? next.children[0] : next;
  }
  return node.line;
}
