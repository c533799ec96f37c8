// Display names of dimension values: the margins ("Total"), sexes; other values (years, INSEE
// codes, age groups, site groups) are shown as the API gives them.
import { t } from '../i18n.js';
import type { Dimension } from './types.js';

export function valueLabel(dim: Dimension | null, value: string): string {
  if (value === 'Total') return t('db.total');
  if (dim === 'sex') {
    const key = `value.sex.${value}`;
    return t(key) === key ? value : t(key);
  }
  return value;
}

export const dimLabel = (d: Dimension): string => t(`dim.${d}`);
