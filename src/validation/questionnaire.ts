// QuestionnaireResponse against its Questionnaire (resolved by canonical among loaded resources or the
// Bundle): linkIds, answer types, required items and groups, repeats, answerOption, answerValueSet,
// min/max values and lengths, unit options, attachment size and reference types.
import type { Issue } from '../fhir/errors.js';
import { isResourceType } from '../fhir/definitions.js';
import type { CodeCheck } from './bindings.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObj) : []);
const X = 'http://hl7.org/fhir/StructureDefinition/';
const SDC = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/';

/** Answer value types allowed for each Questionnaire item type. */
const ANSWER_TYPES: Record<string, string[]> = {
  boolean: ['boolean'], decimal: ['decimal'], integer: ['integer'], date: ['date'], dateTime: ['dateTime'], time: ['time'],
  string: ['string'], text: ['string'], url: ['uri'], choice: ['Coding', 'string'], 'open-choice': ['Coding', 'string'],
  attachment: ['Attachment'], reference: ['Reference'], quantity: ['Quantity'],
};

export interface QuestionnaireHooks {
  findQuestionnaire(canonical: string): Json | undefined;
  checkCode(valueSet: string, c: { system?: string; code: string; display?: string }): CodeCheck | undefined;
}

function ext(item: Json, url: string): Json[] {
  return arr(item.extension).filter((e) => e.url === url);
}
function extValue(item: Json, url: string): unknown {
  const e = ext(item, url)[0];
  if (!e) return undefined;
  const k = Object.keys(e).find((x) => x.startsWith('value'));
  return k ? e[k] : undefined;
}

export function validateQuestionnaireResponse(qr: Json, path: string, hooks: QuestionnaireHooks): Issue[] {
  const issues: Issue[] = [];
  const add = (p: string, msg: string, severity: Issue['severity'] = 'error', code: Issue['code'] = 'structure'): void => {
    issues.push({ severity, code, diagnostics: msg, expression: [p] });
  };
  if (typeof qr.questionnaire !== 'string') return issues;
  const q = hooks.findQuestionnaire(qr.questionnaire);
  if (!q) {
    add(path, `The questionnaire ${qr.questionnaire} could not be found, so the answers were not checked against it`, 'warning', 'not-found');
    return issues;
  }
  const items = (qrItems: Json[], qItems: Json[], container: string, itemPathOf: (i: number) => string): void => {
    const byLink = new Map(qItems.map((i) => [String(i.linkId), i]));
    const seen = new Set<string>();
    qrItems.forEach((it, i) => {
      const ip = itemPathOf(i);
      const qi = byLink.get(String(it.linkId));
      if (!qi) return add(container, `LinkId '${String(it.linkId)}' not found in questionnaire`);
      if (seen.has(String(it.linkId)) && !qi.repeats) add(ip, `Only one response item with linkId '${String(it.linkId)}' is allowed (the question does not repeat)`);
      seen.add(String(it.linkId));
      item(it, qi, ip);
    });
    for (const qi of qItems) {
      if (qi.required !== true || seen.has(String(qi.linkId)) || qi.enableWhen) continue;
      add(container, qi.type === 'group' ? `No sub-items found for required group '${String(qi.linkId)}'` : `No response answer found for required item '${String(qi.linkId)}'`);
    }
  };
  const item = (it: Json, qi: Json, ip: string): void => {
    const answers = arr(it.answer);
    const type = String(qi.type);
    if (type === 'display' && answers.length) return add(ip, `Items of type 'display' cannot have answers`);
    if (type === 'group') {
      if (answers.length) add(ip, `Items of type 'group' cannot have answers`);
      if (qi.required === true && !arr(it.item).length) add(ip, 'No sub-items found for required group');
      items(arr(it.item), arr(qi.item), ip, (i) => `${ip}.item[${i}]`);
      return;
    }
    if (qi.required === true && !answers.length) add(ip, `No response answer found for required item '${String(qi.linkId)}'`);
    const minOccurs = extValue(qi, X + 'questionnaire-minOccurs');
    if (typeof minOccurs === 'number' && answers.length < minOccurs) add(ip, `The minimum number of answers is ${minOccurs} but this has ${answers.length} answers`);
    if (answers.length > 1 && qi.repeats !== true) add(ip, 'Only one response answer is allowed (the question does not repeat)');
    answers.forEach((a, j) => answer(a, qi, `${ip}.answer[${j}]`));
    if (arr(it.item).length) items(arr(it.item), arr(qi.item), ip, (i) => `${ip}.item[${i}]`);
  };
  const answer = (a: Json, qi: Json, ap: string): void => {
    const key = Object.keys(a).find((k) => k.startsWith('value'));
    if (key) {
      const vt = key.slice(5);
      const vtype = /^[A-Z][a-z]/.test(vt) && !['Coding', 'Quantity', 'Attachment', 'Reference'].includes(vt) ? vt[0].toLowerCase() + vt.slice(1) : vt;
      const vp = `${ap}.value.ofType(${vtype})`;
      const allowed = ANSWER_TYPES[String(qi.type)];
      if (allowed && !allowed.includes(vtype)) add(vp, `Answer value must be of the type ${allowed.join(' or ')} not ${vtype}`);
      else value(a[key], vtype, qi, ap, vp);
    }
    const nested = arr(a.item);
    if (nested.length) items(nested, arr(qi.item), ap, (i) => `${ap}.item[${i}]`);
  };
  const value = (v: unknown, vtype: string, qi: Json, ap: string, vp: string): void => {
    const options = arr(qi.answerOption);
    if (options.length) {
      const ok = options.some((o) => {
        const ok2 = Object.keys(o).find((k) => k.startsWith('value'));
        if (!ok2) return false;
        const ov = o[ok2];
        if (vtype === 'Coding' && isObj(v) && isObj(ov)) return ov.code === v.code && (ov.system === undefined || ov.system === v.system);
        return ov === v;
      });
      if (!ok) {
        if (vtype === 'Coding' && isObj(v)) add(ap, `The code ${String(v.system ?? '')}::${String(v.code)} is not in the set of permitted values`);
        else if (vtype !== 'string' || qi.type !== 'open-choice') add(vp, `The ${vtype} ${String(v)} is not in the set of permitted values`);
      }
    }
    if (typeof qi.answerValueSet === 'string' && vtype === 'Coding' && isObj(v) && typeof v.code === 'string') {
      const r = hooks.checkCode(qi.answerValueSet, { system: v.system as string, code: v.code, display: v.display as string });
      if (r?.result === false) add(ap, `The code '${v.code}' in the system '${String(v.system)}' is not in the options value set ${qi.answerValueSet} specified by the questionnaire`);
      if (r?.display && typeof v.display === 'string' && r.display.toLowerCase() !== v.display.toLowerCase()) add(`${vp}.display`, `Wrong display name '${v.display}' for ${String(v.system)}#${v.code}; the valid display is '${r.display}'`);
    }
    const min = extValue(qi, X + 'minValue');
    const max = extValue(qi, X + 'maxValue');
    if (min !== undefined && compare(v, min) < 0) add(vp, `The value ${String(v)} is less than the allowed minimum of ${String(min)}`);
    if (max !== undefined && compare(v, max) > 0) add(vp, `The value ${String(v)} is greater than the allowed maximum of ${String(max)}`);
    if (typeof v === 'string') {
      const minLen = extValue(qi, X + 'minLength');
      if (typeof minLen === 'number' && v.length < minLen) add(vp, `The answer '${v}' is shorter than the required minimum length of ${minLen}`);
      if (typeof qi.maxLength === 'number' && v.length > qi.maxLength) add(vp, `The answer '${v}' is longer than the allowed maximum length of ${qi.maxLength}`);
    }
    if (vtype === 'Quantity' && isObj(v)) quantity(v, qi, vp);
    if (vtype === 'Attachment' && isObj(v)) {
      const maxSize = extValue(qi, X + 'maxSize');
      const size = attachmentSize(v);
      if (typeof maxSize === 'number' && size !== undefined && size > maxSize) add(ap, `The attachment is too large (allowed = ${maxSize}, found = ${size})`);
    }
    if (vtype === 'Reference' && isObj(v) && typeof v.reference === 'string') {
      const m = v.reference.match(/(?:^|\/)([A-Za-z]+)\/[^/]+$/);
      if (m && !isResourceType(m[1])) add(vp, `The resource type ${m[1]} in the reference ${v.reference} is not valid`);
      else if (m) {
        const allowed = ext(qi, X + 'questionnaire-referenceResource').map((e) => e.valueCode).filter((x): x is string => typeof x === 'string');
        if (allowed.length && !allowed.includes(m[1])) add(vp, `The resource type '${m[1]}' in the reference ${v.reference} is not allowed (allowed = ${allowed.join(',')})`);
      }
    }
  };
  const quantity = (v: Json, qi: Json, vp: string): void => {
    const units = ext(qi, X + 'questionnaire-unitOption').map((e) => e.valueCoding).filter(isObj);
    const show = (x: Json) => `${String(x.value)} ${String(x.unit ?? x.code ?? '')}`;
    if (units.length && !units.some((u) => u.code === v.code && (u.system ?? v.system) === v.system)) {
      add(vp, `The value ${show(v)} has a unit that is not valid (allowed = ${units.map((u) => `${String(u.display ?? u.code)} (${String(u.code)})`).join(',')})`);
    }
    const uvs = extValue(qi, X + 'questionnaire-unitValueSet');
    if (typeof uvs === 'string') {
      const r = typeof v.code === 'string' ? hooks.checkCode(uvs, { system: v.system as string, code: v.code }) : { result: false as const };
      if (r && r.result === false) add(vp, `The value ${show(v)} has a unit that is not in the unit value set '${uvs}'`);
    }
    for (const [url, word, sign] of [[SDC + 'sdc-questionnaire-minQuantity', 'minimum', -1], [SDC + 'sdc-questionnaire-maxQuantity', 'maximum', 1]] as const) {
      const lim = extValue(qi, url);
      if (!isObj(lim)) continue;
      if (!v.code || !lim.code || !v.system || !lim.system) add(vp, `The quantity ${show(v)} cannot be compared to the allowed ${word} of ${show(lim)} because no formal units are specified`);
      else if (v.code !== lim.code || v.system !== lim.system) add(vp, `The quantity ${show(v)} (${String(v.code)}) cannot be compared to the allowed ${word} of ${show(lim)} (${String(lim.code)})`);
      else if (Math.sign(Number(v.value) - Number(lim.value)) === sign) add(vp, `The quantity ${show(v)} is ${sign < 0 ? 'less' : 'greater'} than the allowed ${word} of ${show(lim)}`);
    }
  };
  items(arr(qr.item), arr(q.item), path, (i) => `${path}.item[${i}]`);
  return issues;
}

/** Numbers numerically; dates and times as ISO strings (a longer value with the same prefix is later). */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/** Size of an attachment's data in bytes (decoded base64), or its stated size. */
export function attachmentSize(a: Json): number | undefined {
  if (typeof a.data === 'string') {
    const s = a.data.replace(/\s/g, '');
    return Math.floor((s.length * 3) / 4) - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
  }
  return typeof a.size === 'number' ? a.size : undefined;
}
