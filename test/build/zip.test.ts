/** The zip writer: sorted entries, fixed times and modes, and pinned DEFLATE bytes. */
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { deterministicZip, type ZipEntry } from '../../build/zip';

const encoder = new TextEncoder();
const ENTRIES: ZipEntry[] = [
  { path: 'z.js', data: encoder.encode('module.exports = "z";\n'.repeat(50)) },
  { path: 'a/b.txt', data: encoder.encode('hello\n') },
  { path: 'bin/run', data: encoder.encode('#!/bin/sh\necho hi\n'), executable: true },
];

/** Central-directory records of a zip, parsed straight from the bytes. */
function centralDirectory(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.byteLength - 22;
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const records = [];
  for (let i = 0; i < count; i += 1) {
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    records.push({
      madeBy: view.getUint8(offset + 5),
      dosTime: view.getUint16(offset + 12, true),
      dosDate: view.getUint16(offset + 14, true),
      mode: view.getUint32(offset + 38, true) >>> 16,
      extraLength,
      name: new TextDecoder().decode(zip.subarray(offset + 46, offset + 46 + nameLength)),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return records;
}

describe('deterministicZip', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  test('entries are stored in byte order of their paths, whatever the input order', () => {
    const names = centralDirectory(deterministicZip(ENTRIES)).map((r) => r.name);
    expect(names).toEqual(['a/b.txt', 'bin/run', 'z.js']);
  });

  test('every entry carries 1980-01-01 00:00:00, Unix host, no extra fields', () => {
    for (const record of centralDirectory(deterministicZip(ENTRIES))) {
      expect(record.dosDate).toBe((0 << 9) | (1 << 5) | 1);
      expect(record.dosTime).toBe(0);
      expect(record.madeBy).toBe(3);
      expect(record.extraLength).toBe(0);
    }
  });

  test('files get mode 0644 and executables 0755', () => {
    const modes = Object.fromEntries(centralDirectory(deterministicZip(ENTRIES)).map((r) => [r.name, r.mode]));
    expect(modes).toEqual({ 'a/b.txt': 0o100644, 'bin/run': 0o100755, 'z.js': 0o100644 });
  });

  test('the bytes do not depend on the time zone', () => {
    process.env.TZ = 'UTC';
    const utc = deterministicZip(ENTRIES);
    process.env.TZ = 'America/St_Johns';
    const stJohns = deterministicZip(ENTRIES);
    expect(Buffer.from(stJohns).equals(Buffer.from(utc))).toBe(true);
  });

  test('the content round-trips through an independent unzip', () => {
    const files = unzipSync(deterministicZip(ENTRIES));
    expect(Object.keys(files).sort()).toEqual(['a/b.txt', 'bin/run', 'z.js']);
    expect(Buffer.from(files['z.js']).equals(Buffer.from(ENTRIES[0].data))).toBe(true);
  });

  test('compressed bytes match the pinned golden hash on every machine and Node version', () => {
    // If this fails after an fflate upgrade, every user's source_code_hash changes: treat it as a breaking change.
    const digest = createHash('sha256').update(deterministicZip(ENTRIES)).digest('hex');
    expect(digest).toBe(GOLDEN_SHA256);
  });

  test.each([
    ['an absolute path', '/etc/passwd'],
    ['a parent segment', 'a/../b'],
    ['a backslash', 'a\\b'],
    ['an empty segment', 'a//b'],
    ['an all-digit name', '123'],
  ])('rejects %s', (_label, bad) => {
    expect(() => deterministicZip([{ path: bad, data: new Uint8Array(1) }])).toThrow(bad);
  });

  test('rejects a duplicate path', () => {
    const twice = [ENTRIES[1], ENTRIES[1]];
    expect(() => deterministicZip(twice)).toThrow('appears twice');
  });
});

// Measured with fflate 0.8.3 on Node 20, x86_64. DEFLATE here is pure JavaScript, so every other
// CPU and Node version must produce the same bytes; CI on any machine checks that claim.
const GOLDEN_SHA256 = 'bd81e4ac9a9ee696d182f06e5710afe4392ab725b315376f4d68c244ada272b8';
