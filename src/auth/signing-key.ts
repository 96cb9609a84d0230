import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey } from 'jose';

export const LOCAL_TOKEN_ALGORITHM = 'ES256';

/**
 * The local signing key (ES256, PKCS#8 PEM). Read from `file`; when there is none and `create` is
 * set, made once and kept with mode 0600, so tokens stay valid across restarts.
 */
export const loadSigningKey = async (file: string, create: boolean): Promise<CryptoKey> => {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      throw new Error(`cannot read the token signing key ${file}: ${(error as Error).message}`, { cause: error });
    }
    const { privateKey } = await generateKeyPair(LOCAL_TOKEN_ALGORITHM, { extractable: true });
    pem = await exportPKCS8(privateKey);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      // Another process made it first: use theirs.
      if (e.code !== 'EEXIST') throw e;
      pem = await readFile(file, 'utf8');
    });
    await chmod(file, 0o600);
  }
  return importPKCS8(pem, LOCAL_TOKEN_ALGORITHM, { extractable: true });
};
