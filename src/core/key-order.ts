/** Orders strings by UTF-16 code unit (what `<` does), as a comparator for `sort`. */
export const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
