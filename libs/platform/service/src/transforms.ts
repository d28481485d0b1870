/** `@Transform(trimString)`: surrounding whitespace is never part of a name or an email. */
export const trimString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
