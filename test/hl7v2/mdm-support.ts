// A CI-SIS MDM^T02 (v2.6) carrying a CDA in OBX[2]-5, for the HL7 v2 operation tests over HTTP.
import { readFileSync } from 'node:fs';

export const RCP = readFileSync(new URL('../../examples/cda/fiche-rcp.xml', import.meta.url), 'utf8');
export const ER7 = 'x-application/hl7-v2+er7';

export function mdm(opts: { cda?: string; event?: string; type?: string; version?: string } = {}): string {
  const cda = Buffer.from(opts.cda ?? RCP).toString('base64');
  return [
    `MSH|^~\\&|DPI-X|CHU-X|ONCOFHIR|INCA|20261201120000||${opts.type ?? `MDM^${opts.event ?? 'T02'}^MDM_T02`}|MSG1|P|${opts.version ?? '2.6'}|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2`,
    'EVN||20261201120000',
    'PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||MARTIN^Émilie^^^^^L||19700302|F',
    'PV1|1|O',
    'ORC|NW|',
    'OBR|1|||34794-8^CR de RCP^LN|',
    'TXA|1|34794-8|TEXT|20261201120000||||||||1.2.250.1.999.1.2026.7^^1.2.250.1.999.1^ISO|||||AU',
    'OBX|1|CWE|DESTDMP^Destinataire DMP^MetaDMPMSS||Y^^expandedYes-NoIndicator||||||F|',
    `OBX|2|ED|34794-8^CR de RCP^LN||^TEXT^XML^Base64^${cda}||||||F|`,
    'PRT||UC||SB^Send by^participation|10101010101^Dupont^Claire|||CHU-X',
  ].join('\r');
}
