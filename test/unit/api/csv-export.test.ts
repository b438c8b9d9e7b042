import { describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../../functions/api/csv-export';

describe('neutraliseCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['\nx', "'\nx"],
    ['＝1+1', "'＝1+1"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
    ['＠SUM(A1)', "'＠SUM(A1)"],
    ['﹦1+1', "'﹦1+1"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('%j → %j', (cell, expected) => {
    // Act
    const result = neutraliseCell(cell);

    // Assess
    expect(result).toBe(expected);
  });

  it('leaves numbers and booleans as they are and blanks what is missing', () => {
    // Act
    const cells = [neutraliseCell(-5), neutraliseCell(true), neutraliseCell(undefined)];

    // Assess
    expect(cells).toEqual([-5, 'true', '']);
  });
});
