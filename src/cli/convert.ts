// `oncofhir convert <file> [--to fhir|cda] [--out <file>]`: converts one cancer document either way
// and prints it (or writes it to --out): a CI-SIS CDA (XML, plain or self-presenting) becomes a FHIR
// document Bundle (JSON, or FHIR XML when --out ends in .xml), a FHIR document Bundle (JSON or FHIR
// XML) becomes CDA. What could not be mapped goes to stderr, one line each with its location (XPath
// or FHIRPath). Exit 0 when converted (even with warnings), 1 when the document cannot be converted,
// 2 on a usage error.
import { Command, Option } from 'commander';
import { usage, usageExitCodes } from './exit.js';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Bundle } from 'fhir/r4';
import { fromXml, toXml } from '../fhir/xml/index.js';
import type { Issue } from '../fhir/errors.js';
import { cdaToFhir, ConversionError, fhirToCda } from '../documents/conversions.js';

export type Form = 'cda' | 'fhir-json' | 'fhir-xml';

/** What a file holds: CDA (an XML ClinicalDocument, or an XML document embedding one), FHIR XML, or FHIR JSON. */
export function detectForm(text: string): Form {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (!t.startsWith('<')) return 'fhir-json';
  // The first element's namespace tells FHIR XML from CDA (a self-presenting CDA is an xsl:stylesheet).
  const root = /<(?!\?|!)([\w.-]+:)?([\w.-]+)([^>]*)>/.exec(t);
  return root && /xmlns(:[\w.-]+)?\s*=\s*["']http:\/\/hl7\.org\/fhir["']/.test(root[3]) ? 'fhir-xml' : 'cda';
}

export interface ConvertOutput {
  /** The converted document as text. */
  text: string;
  to: 'fhir' | 'cda';
  /** The volet, e.g. 'Fiche RCP'. */
  label: string;
  warnings: Issue[];
}

/** Converts document text; `to` defaults to the other form. Throws ConversionError (or a parse error) when it cannot. */
export function convertText(text: string, opts: { to?: 'fhir' | 'cda'; fhirXml?: boolean } = {}): ConvertOutput {
  const form = detectForm(text);
  const from = form === 'cda' ? 'cda' : 'fhir';
  const to = opts.to ?? (from === 'cda' ? 'fhir' : 'cda');
  if (to === from) throw new UsageError(`the input is already ${from === 'cda' ? 'CDA' : 'FHIR'}; --to ${to} asks for no conversion`);
  if (from === 'cda') {
    const r = cdaToFhir(text);
    const out = opts.fhirXml ? toXml(r.bundle) + '\n' : JSON.stringify(r.bundle, null, 2) + '\n';
    return { text: out, to, label: r.type.label, warnings: r.warnings };
  }
  let bundle: Bundle;
  try {
    bundle = (form === 'fhir-xml' ? fromXml(text) : JSON.parse(text)) as Bundle;
  } catch (e) {
    throw new ConversionError(`The file is neither a CDA document nor a FHIR resource: ${(e as Error).message}`);
  }
  const r = fhirToCda(bundle);
  return { text: r.xml, to, label: r.type.label, warnings: r.warnings };
}

export class UsageError extends Error {}

/** One stderr line per issue: severity, location, message. */
export const issueLine = (i: Issue): string => `${i.severity} ${(i.expression ?? []).join(', ') || '(document)'}: ${i.diagnostics}`;

export function convertCommand(): Command {
  return usageExitCodes(new Command('convert')
    .description('Convert a cancer document between CI-SIS CDA and a FHIR document Bundle (fiche RCP, PPS, CR-GM, CR-ACP)')
    .argument('<file>', 'a CDA document (.xml) or a FHIR document Bundle (.json, or FHIR .xml)')
    .addOption(new Option('--to <form>', 'target form (default: the other one)').choices(['fhir', 'cda']))
    .option('--out <file>', 'write the result to this file instead of stdout (FHIR: .xml writes FHIR XML)')
    .option('--quiet', 'do not list unmapped parts on stderr')
    .addHelpText('after', '\nExit status: 0 converted (unmapped parts, if any, listed on stderr), 1 the document cannot be converted, 2 usage error.\n')
    .action((file: string, opts: { to?: 'fhir' | 'cda'; out?: string; quiet?: boolean }) => {
      if (!existsSync(file) || !statSync(file).isFile()) usage(`no such file: ${file}`);
      let result: ConvertOutput;
      try {
        result = convertText(readFileSync(file, 'utf8'), { to: opts.to, fhirXml: !!opts.out?.toLowerCase().endsWith('.xml') });
      } catch (e) {
        if (e instanceof UsageError) usage(e.message);
        process.stderr.write(`error: ${file} cannot be converted: ${(e as Error).message}\n`);
        process.exit(1);
      }
      // A closed pipe (`| head`) is not an error of the conversion.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
      if (opts.out) writeFileSync(opts.out, result.text);
      else process.stdout.write(result.text);
      if (!opts.quiet) for (const w of result.warnings) process.stderr.write(issueLine(w) + '\n');
      process.stderr.write(`${result.label} converted to ${result.to === 'cda' ? 'CDA' : 'FHIR'}${opts.out ? ` in ${opts.out}` : ''}; ${result.warnings.length} unmapped or adjusted part${result.warnings.length === 1 ? '' : 's'}.\n`);
    }));
}
