// Number formats of the report's text (tables, captions): Intl's, with significant digits so that
// a price of $0.0000354 and one of $0.0142 both keep three meaningful digits.
const sig3 = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3, useGrouping: false });
const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const usd = (v: number): string => `$${sig3.format(v)}`;
export const num3 = (v: number): string => sig3.format(v);
export const ms = (v: number): string => `${int.format(v)} ms`;
export const seconds = (msValue: number): string => `${(msValue / 1000).toFixed(2)} s`;
export const count = (v: number): string => int.format(v);
export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
