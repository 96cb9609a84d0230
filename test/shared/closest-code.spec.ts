import { describe, expect, it } from '@jest/globals';
import { closestCode } from '../../src/shared/closest-code.js';

const ITEMS = [
  'FFP2',
  'FFP3',
  'MASK-IIR',
  'VISOR',
  'GLOVE-NITRILE-S',
  'GLOVE-NITRILE-M',
  'GLOVE-NITRILE-L',
  'APRON',
  'GOWN-LS',
  'SANITIZER-500',
  'SAMPLING-KIT',
];

describe('closestCode', () => {
  it.each([
    ['ffp2', 'FFP2'],
    ['FFP-2', 'FFP2'],
    ['ffp 3', 'FFP3'],
    ['glove-m', 'GLOVE-NITRILE-M'],
    ['glove nitrile l', 'GLOVE-NITRILE-L'],
    ['VISOT', 'VISOR'],
    ['mask-iir', 'MASK-IIR'],
    ['sanitiser-500', 'SANITIZER-500'],
  ])('%s → %s', (typed, meant) => expect(closestCode(typed, ITEMS)).toBe(meant));

  it.each([['BANANA'], ['-'], ['glove']])('%s: nothing close enough', (typed) => expect(closestCode(typed, ITEMS)).toBeUndefined());
});
