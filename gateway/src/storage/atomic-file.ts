import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `file` so that a reader, or a process killed mid-write, sees either the old
 * contents or the new, never a mix: write a temporary file, flush it, rename over.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, 'w', mode);
    try {
        fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
}
