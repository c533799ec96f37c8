// CDA schema (XSD) validation with libxml2 compiled to WebAssembly (libxml2-wasm: the wasm ships
// inside the npm package, nothing is downloaded). The schema set (CDA_extended.xsd and its includes)
// is compiled once per directory and reused; only files under that directory can be read by the
// schema loader, and instance documents are parsed without DTDs, external entities or network.
import { readFileSync, existsSync, realpathSync, openSync, readSync, closeSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { ParseOption, XmlDocument, XmlValidateError, XsdValidator, xmlRegisterInputProvider, type XmlElement } from 'libxml2-wasm';
import { HL7_NS, type CdaElement } from '../dom.js';
import type { CdaIssue } from './issues.js';

/** Entry schemas tried in this order in the configured directory. */
const ENTRY_FILES = ['CDA_extended.xsd', 'CDA.xsd'];

const validators = new Map<string, XsdValidator>();
const allowedRoots = new Set<string>();
let providerRegistered = false;

/** The schema entry file of a directory, or undefined when it holds none. */
export function xsdEntry(dir: string): string | undefined {
  return ENTRY_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

function filePath(name: string): string | undefined {
  try {
    const url = new URL(name);
    return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : undefined;
  } catch {
    return name;
  }
}

/** Serves xs:include/xs:import of the compiled schema sets, and nothing outside their folders. */
function allowed(name: string): string | undefined {
  const p = filePath(name);
  if (!p || !existsSync(p)) return undefined;
  const real = realpathSync(p);
  for (const root of allowedRoots) if (real === root || real.startsWith(root + sep)) return real;
  return undefined;
}

function registerProvider(): void {
  if (providerRegistered) return;
  providerRegistered = true;
  xmlRegisterInputProvider({
    match: (name) => allowed(name) !== undefined,
    open: (name) => {
      const p = allowed(name);
      return p ? openSync(p, 'r') : undefined;
    },
    read: (fd, buf) => readSync(fd, buf, 0, buf.byteLength, null),
    close: (fd) => {
      closeSync(fd);
      return true;
    },
  });
}

/** The compiled validator of a schema directory (compiled on first use, then cached). */
export function xsdValidator(dir: string): XsdValidator {
  const root = realpathSync(resolve(dir));
  let v = validators.get(root);
  if (v) return v;
  const entry = xsdEntry(root);
  if (!entry) throw new Error(`No CDA schema (${ENTRY_FILES.join(' or ')}) in ${dir}`);
  allowedRoots.add(root);
  registerProvider();
  const schemaDoc = XmlDocument.fromBuffer(readFileSync(entry), { url: entry });
  try {
    v = XsdValidator.fromDoc(schemaDoc);
  } finally {
    schemaDoc.dispose();
  }
  validators.set(root, v);
  return v;
}

const SAFE_PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES;

/**
 * Validates the ClinicalDocument of an already well-formed, DOCTYPE-free document (checked by
 * parseCda first) against the schema set of dir. Errors carry the line and the XPath of the element
 * on that line (from our element tree).
 */
export function validateXsd(xml: string, tree: CdaElement, dir: string): CdaIssue[] {
  const validator = xsdValidator(dir);
  const doc = XmlDocument.fromString(xml, { option: SAFE_PARSE });
  try {
    let target: XmlElement | null = doc.root;
    if (target.name !== 'ClinicalDocument' || target.namespaceUri !== HL7_NS) {
      target = doc.get(`//*[local-name()='ClinicalDocument' and namespace-uri()='${HL7_NS}']`) as XmlElement | null;
    }
    if (!target) return [];
    try {
      validator.validate(target);
      return [];
    } catch (e) {
      if (!(e instanceof XmlValidateError)) throw e;
      const lines = lineIndex(tree);
      return e.details.map((d) => {
        const at = elementAtLine(lines, d.line);
        return {
          severity: 'error' as const,
          code: 'structure' as const,
          diagnostics: `CDA schema (XSD): ${d.message.trim().replace(/^Element '\{urn:hl7-org:v3\}/, "Element '")} (line ${d.line})`,
          expression: at ? [at.xpath] : undefined,
          rule: 'XSD',
          source: 'CDA XSD',
          line: d.line,
        };
      });
    }
  } finally {
    doc.dispose();
  }
}

/** Elements by their start line (the last one that starts on a line is the innermost). */
function lineIndex(tree: CdaElement): CdaElement[] {
  const out: CdaElement[] = [];
  const walk = (e: CdaElement) => {
    out.push(e);
    for (const c of e.children) walk(c);
  };
  walk(tree);
  return out;
}

function elementAtLine(elements: CdaElement[], line: number): CdaElement | undefined {
  let best: CdaElement | undefined;
  for (const e of elements) {
    if (e.line <= line && (!best || e.line >= best.line)) best = e;
  }
  return best;
}
