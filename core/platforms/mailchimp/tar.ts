/**
 * The few tar (ustar) facts Backroom needs to read a Mailchimp batch's results archive, and the
 * practice account needs to write one: 512-byte headers (name at 0, size in octal at 124, type at
 * 156), file data padded to 512 bytes, two zero blocks at the end.
 */
const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Buffer;
}

/** Regular files of an (already gunzipped) tar archive. Refuses an archive whose headers do not add up. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const sizeText = header.subarray(124, 136).toString('ascii').replace(/[\0 ]+$/, '').trim();
    if (!/^[0-7]+$/.test(sizeText)) throw new Error(`the results archive has a damaged header at byte ${at}`);
    const size = parseInt(sizeText, 8);
    const type = String.fromCharCode(header[156]!);
    const start = at + BLOCK;
    if (start + size > archive.length) throw new Error(`the results archive is cut short in ${name}`);
    if (type === '0' || type === '\0') entries.push({ name, data: archive.subarray(start, start + size) });
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

/** A tar archive of these files (for the practice account's batch results). */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const header = Buffer.alloc(BLOCK);
    header.write(entry.name.slice(0, 99), 0, 'utf8');
    header.write('0000644\0', 100, 'ascii');
    header.write('0000000\0', 108, 'ascii');
    header.write('0000000\0', 116, 'ascii');
    header.write(`${entry.data.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
    header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    parts.push(header, entry.data, Buffer.alloc((BLOCK - (entry.data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
