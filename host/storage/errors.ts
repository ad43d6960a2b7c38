/**
 * Errors of image files and stores. Each is a {@link UeKeysError}, so the CLI prints it as one line
 * and exits with code 2; none ever carries image bytes (an image holds K/OPc in clear).
 */
import { UeKeysError } from '../errors.js';

/** A file-system call on an image (or its lock or temporary file) failed: names the path and the errno. */
export class ImageFileError extends UeKeysError {
  constructor(readonly path: string, readonly code: string, what: string) {
    super(`image ${path}: ${what}`);
  }
}

/** Another process holds the image lock and did not release it within the wait bound. */
export class ImageBusyError extends UeKeysError {}

/** This process no longer holds the lock it took (it was broken as stale): nothing is written. */
export class ImageLockLostError extends UeKeysError {}

/** The image file changed since this process read it (another process updated it): nothing is written. */
export class ImageChangedError extends UeKeysError {}

/** The medium holds no image of this kind (no 'UEKS' bank header): it is refused, never rewritten. */
export class NotAnImageError extends UeKeysError {}

/**
 * The newest generation fails its check (or no bank does): refused, never rewritten, and never
 * replaced by the older generation (an older SQN state would re-accept an AUTN).
 */
export class CorruptImageError extends UeKeysError {}

/** The image was opened for reading only (a snapshot): an update would not persist. */
export class ReadOnlyImageError extends UeKeysError {}

const WHAT: Record<string, string> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (read-only or immutable file?)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'I/O error',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'path too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'file busy',
  EEXIST: 'already exists',
};

/**
 * An fs error → {@link ImageFileError} naming `path`, the failed action and the errno; anything
 * that is not an errno error is rethrown as it is.
 */
export function fsError(e: unknown, path: string, action: string): never {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) throw e;
  throw new ImageFileError(path, code, `cannot ${action}: ${WHAT[code] ?? 'file system error'} (${code})`);
}
