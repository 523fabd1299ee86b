/**
 * The largest count or amount the API takes (10^12 cents is ten billion yuan), well inside what
 * JSON and the store carry as an exact integer: a larger number came back as a float.
 */
export const LARGEST_AMOUNT = 1_000_000_000_000;
