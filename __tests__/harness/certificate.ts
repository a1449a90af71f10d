/**
 * A self-signed certificate for a TLS simulator on 127.0.0.1, for the tests and the bench alike
 * (this module registers no Jest hooks, so tools/ may import it).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificate {
  key: string
  cert: string
  /** The certificate's PEM file, for NODE_EXTRA_CA_CERTS. */
  certFile: string
  /** Removes the folder the key and certificate were written to. */
  remove(): void
}

/**
 * A new P-256 certificate for IP 127.0.0.1, valid one day, made with the openssl CLI (on every
 * runner image and on this project's machines) in a new temp folder that `remove` deletes.
 */
export function selfSignedCertificate(): TestCertificate {
  const folder = mkdtempSync(join(tmpdir(), 'test-tls-'))
  const remove = () => rmSync(folder, { recursive: true, force: true })
  const [keyFile, certFile] = [join(folder, 'key.pem'), join(folder, 'cert.pem')]
  try {
    execFileSync(
      'openssl',
      [
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ['-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        ['-keyout', keyFile, '-out', certFile]
      ].flat(),
      { stdio: 'ignore' }
    )
    return {
      key: readFileSync(keyFile, 'utf8'),
      cert: readFileSync(certFile, 'utf8'),
      certFile,
      remove
    }
  } catch (error) {
    remove()
    throw new Error('could not make a self-signed certificate with the openssl CLI', {
      cause: error
    })
  }
}
