// Test support: small files in legacy 8-bit encodings, as their exact bytes, with the text they
// hold (checked against TextDecoder in the tests). Used only by tests.

export interface LegacySample {
  /** The WHATWG label TextDecoder knows the encoding by. */
  label: string;
  name: string;
  text: string;
  bytes: Buffer;
}

const ascii = (text: string) => [...Buffer.from(text, "latin1")];

/**
 * Each has ASCII an Edit could target ("\\" or "DIR") next to characters whose bytes look like
 * ASCII or Latin-1: 表 in Shift-JIS is 95 5C and 許 in Big5 is B3 5C, a backslash as trail byte.
 */
export const LEGACY_SAMPLES: readonly LegacySample[] = [
  {
    label: "shift_jis",
    name: "run.bat",
    text: "REM 表示を更新\r\nset DIR=C:\\Users\\data\r\n",
    bytes: Buffer.from([
      ...ascii("REM "),
      ...[0x95, 0x5c, 0x8e, 0xa6, 0x82, 0xf0, 0x8d, 0x58, 0x90, 0x56],
      ...ascii("\r\nset DIR=C:\\Users\\data\r\n"),
    ]),
  },
  {
    label: "big5",
    name: "big5.txt",
    text: "許功 DIR=C:\\data\n",
    bytes: Buffer.from([0xb3, 0x5c, 0xa5, 0x5c, ...ascii(" DIR=C:\\data\n")]),
  },
  {
    label: "gbk",
    name: "gbk.txt",
    text: "中文乗 DIR=C:\\data\n",
    bytes: Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x81, 0x5c, ...ascii(" DIR=C:\\data\n")]),
  },
  {
    label: "windows-1251",
    name: "cp1251.txt",
    text: "Привет DIR=C:\\data\n",
    bytes: Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, ...ascii(" DIR=C:\\data\n")]),
  },
  {
    label: "windows-1252",
    name: "latin1.txt",
    text: "café – DIR=C:\\data\n",
    bytes: Buffer.from([...ascii("caf\xe9 "), 0x96, ...ascii(" DIR=C:\\data\n")]),
  },
];
