/**
 * The inputs a hostile or broken client sends, by where they go. Each list is small on purpose: one
 * representative per kind of trouble (type confusion, overflow, encoding, injection, size).
 */

const uuid = '3f2c4b1e-9a7d-4c2e-8b1f-0d6e5a4c3b2a';

/** Path segments, already percent-encoded as they travel. */
export const ODD_IDS = [
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  '%00',
  '%20',
  '..%2F..%2Fetc%2Fpasswd',
  "'%20OR%201%3D1--",
  '%F0%9F%98%80',
  '%ED%A0%80', // a UTF-16 surrogate, percent-encoded as (invalid) UTF-8
  '%E0%A4%A', // truncated percent-encoding
  '%25',
  'a'.repeat(101), // longer than any id
  uuid.toUpperCase(),
  `{${uuid}}`,
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

/** Query values, already encoded. */
export const ODD_QUERY_VALUES = [
  '',
  '-1',
  '0',
  '1.5',
  '1e309',
  '9007199254740993',
  'NaN',
  'Infinity',
  'true',
  '%00',
  '%ED%A0%80',
  "'",
  'x'.repeat(2_000),
];

/** Whole bodies sent as application/json that are not what any operation takes. */
export const MALFORMED_JSON: (string | Buffer)[] = [
  '',
  ' ',
  '{',
  '}',
  '[]',
  'null',
  '"x"',
  '1',
  'true',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  "{'a':1}",
  '['.repeat(5_000),
  '{"a":'.repeat(3_000),
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"\\ud800":1}',
  // Invalid UTF-8 bytes inside a string.
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
];

/** Values put in one property of an otherwise plausible body. */
export const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -1e308,
  '',
  ' ',
  'x'.repeat(100_000),
  '\ud800', // a lone surrogate: JSON.stringify sends it as the escape \ud800
  '\udfff\ud800',
  '\u0000',
  '\u202eevil',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '${7*7}{{7*7}}',
  '🙂'.repeat(1_000),
  [],
  [[[]]],
  {},
  { $gt: '' },
  Array.from({ length: 10_000 }, () => 1),
];

export const HOSTILE_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=klingon',
  'application/jsonx',
];

/** Values of the headers an operation reads, and of Authorization everywhere. */
export const HOSTILE_HEADERS: Record<string, string[]> = {
  authorization: [
    'Bearer',
    'Bearer ',
    'Basic YWRtaW46YWRtaW4=',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    `Bearer ${'x'.repeat(8_000)}`,
    'Bearer \u00ff\u00fe',
  ],
  'if-match': ['', '*', '"', 'W/', 'W/"', '"-1"', '"1e309"', '"x"', '"1", "2"', 'x'.repeat(4_000)],
  'idempotency-key': ['', ' ', 'x'.repeat(5_000), '\u00e9\u00e9', 'a b', '../../etc'],
};
