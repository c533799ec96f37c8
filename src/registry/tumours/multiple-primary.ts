// IACR/IARC/ENCR 2004 multiple-primary test on two (topography, morphology) pairs: same tumour or new primary?
// Decision order as documented for CanReg5's tester (rules only): NOS groups, systemic groups, then organ.
import { isUnknownPrimary, morphologyGroup, nosCovers, organ, SYSTEMIC } from './codes.js';

export type MpVerdict = 'same' | 'different' | 'unknown-topography';
export interface MpInput { topography: string; morphology: number }

export function multiplePrimary(a: MpInput, b: MpInput): MpVerdict {
  const ga = morphologyGroup(a.morphology);
  const gb = morphologyGroup(b.morphology);
  if (ga === gb) return SYSTEMIC.has(ga) ? 'same' : topographyTest(a, b);
  if (nosCovers(ga, gb) || nosCovers(gb, ga)) {
    // Haematopoietic NOS with a specific haematological group: systemic, so same whatever the site.
    return SYSTEMIC.has(ga) && SYSTEMIC.has(gb) ? 'same' : topographyTest(a, b);
  }
  return 'different';
}

function topographyTest(a: MpInput, b: MpInput): MpVerdict {
  const ua = isUnknownPrimary(a.topography);
  const ub = isUnknownPrimary(b.topography);
  if (ua && ub) return 'same';
  if (ua || ub) return 'unknown-topography';
  return organ(a.topography) === organ(b.topography) ? 'same' : 'different';
}
