import { mergedDuplicates } from './merged-duplicates';

describe('mergedDuplicates', () => {
  it('names the duplicates merged into the member, once each, from its merge-in entries', () => {
    expect(
      mergedDuplicates([
        'merge-in:bbbbbbbbbbbbbbbbbbbbbbbb',
        'merge-out:aaaaaaaaaaaaaaaaaaaaaaaa',
        'merge-in:cccccccccccccccccccccccc',
        'merge-in:bbbbbbbbbbbbbbbbbbbbbbbb',
        'merge-in:',
      ]),
    ).toEqual(['bbbbbbbbbbbbbbbbbbbbbbbb', 'cccccccccccccccccccccccc']);
  });

  it('finds none for a member nothing was merged into', () => {
    expect(mergedDuplicates(['merge-out:aaaaaaaaaaaaaaaaaaaaaaaa'])).toEqual([]);
  });
});
