// The registry API's answers (src/registry/http): indicator tables and the review queue.

export const DIMENSIONS = ['year', 'sex', 'ageGroup', 'site', 'departement'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface IndicatorTable {
  threshold: number;
  dimensions: Dimension[];
  rowDimensions: Dimension[];
  columnDimension: Dimension | null;
  rows: string[][];
  columns: string[];
  /** Last row = column totals, last column = row totals; null = suppressed. */
  published: (number | null)[][];
  suppressed: { primary: number; secondary: number };
}

export interface Indicators { table: IndicatorTable; counted: number; excluded: { restricted: number; invalid: number | unknown[] } }

export type ReviewStatus = 'pending' | 'confirmed' | 'rejected';

export interface ReviewItem {
  id: string;
  status: ReviewStatus;
  weight: number;
  probability: number;
  a: { recordId: string; source?: string };
  b: { recordId: string; source?: string };
  fields: { field: string; a: string | null; b: string | null; level: string; weight: number }[];
  decidedBy?: string;
  decidedAt?: string;
}

export interface ReviewPage { total: number; items: ReviewItem[] }
