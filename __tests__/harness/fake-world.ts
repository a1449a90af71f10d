/**
 * A temporary world for the recipe tests: fake runner hosts (each a home directory with an
 * `actions-runner` directory whose config.sh and svc.sh behave as actions/runner's do), a fake
 * GitHub that knows the registered runners and the remove tokens it issued, and stand-ins for
 * ssh, sudo and uname. Every command started in the world is logged with its command line.
 * See fake-host/README.md for what each fake models.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { RunnerMasker } from './runner-log.ts'

const FAKES = join(import.meta.dirname, 'fake-host')
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']
const STUBS = ['ssh', 'sudo', 'uname']

export interface HostSpec {
  /** The host's name, as a recipe's `ssh runner@NAME` reaches it. */
  name: string
  runnerId: number
  runnerName: string
  /** The kernel name `uname -s` prints: Linux (systemd service) or Darwin (launchd agent). */
  os?: 'Linux' | 'Darwin'
  /** Installed as a service (svc.sh install) and running; otherwise started with ./run.sh. */
  service?: boolean
  /** The host's sudoers rule for the runner's user. */
  sudo?: 'nopasswd' | 'password' | 'denied'
  /** The host exists and its runner polls GitHub, but ssh cannot reach it. */
  unreachable?: boolean
}

export class FakeWorld {
  readonly dir = fs.mkdtempSync(join(tmpdir(), 'recipe-world-'))
  /** PATH for every step and host: the stand-ins, then the logging shims of system commands. */
  readonly path = `${this.dir}/stubs:${this.dir}/shims`
  private readonly secrets: string[] = []
  private readonly masker = new RunnerMasker()

  constructor(hosts: HostSpec[]) {
    for (const name of ['stubs', 'github', 'hosts']) fs.mkdirSync(join(this.dir, name))
    fs.symlinkSync(shims(), join(this.dir, 'shims'))
    for (const file of ['argv.log', 'config.log', 'github/remove-tokens', 'github/runners']) {
      fs.writeFileSync(join(this.dir, file), '')
    }
    this.install('worker.sh', join(this.dir, 'worker.sh'))
    for (const stub of STUBS) this.install(stub, join(this.dir, 'stubs', stub))
    for (const host of hosts) this.addHost(host)
  }

  /** Deletes the shims every world of this test file shared. */
  static removeShims(): void {
    if (sharedShims) fs.rmSync(sharedShims, { recursive: true, force: true })
    sharedShims = undefined
  }

  hostHome = (name: string) => join(this.dir, 'hosts', name)
  runnerDir = (name: string) => join(this.hostHome(name), 'actions-runner')
  private file = (path: string) => join(this.dir, path)
  private lines = (path: string) =>
    fs.readFileSync(this.file(path), 'utf8').split('\n').filter(Boolean)

  private addHost(spec: HostSpec): void {
    const { name, runnerId, runnerName, os = 'Linux', service = true, sudo = 'nopasswd' } = spec
    const home = this.hostHome(name)
    const runner = this.runnerDir(name)
    const fake = join(home, '.fake')
    const macOS = os === 'Darwin'
    const unit = `actions.runner.octo-org.${runnerName}`
    const plist = join(home, 'Library/LaunchAgents', `${unit}.plist`)
    for (const dir of [join(runner, 'bin'), join(fake, 'systemd'), join(plist, '..')]) {
      fs.mkdirSync(dir, { recursive: true })
    }
    const files: Record<string, string | false> = {
      [join(fake, 'os')]: `${os}\n`,
      [join(fake, 'sudo')]: `${sudo}\n`,
      [join(fake, 'unreachable')]: spec.unreachable === true && '',
      [join(fake, 'listener-running')]: '',
      [join(runner, '.runner')]: JSON.stringify({ agentId: runnerId, agentName: runnerName }),
      [join(runner, '.credentials')]: '{}\n',
      [join(runner, 'bin', `actions.runner.${macOS ? 'plist' : 'service'}.template`)]: '',
      [macOS ? plist : join(fake, 'systemd', `${unit}.service`)]: service && '',
      [join(runner, '.service')]: service && `${macOS ? plist : `${unit}.service`}\n`
    }
    for (const [path, text] of Object.entries(files)) {
      if (text !== false) fs.writeFileSync(path, text)
    }
    const values = { __HOST__: home, __RUNNER__: runnerName }
    this.install('config.sh', join(runner, 'config.sh'), values)
    this.install('svc.sh', join(runner, 'svc.sh'), values)
    this.registerGoneRunner(runnerId, runnerName, name)
  }

  /** Copies a fake into the world, with the world's paths written into it. */
  private install(fake: string, to: string, values: Record<string, string> = {}): void {
    const all = { __WORLD__: this.dir, __PATH__: this.path, ...values }
    const text = fs.readFileSync(join(FAKES, fake), 'utf8')
    fs.writeFileSync(
      to,
      text.replace(/__[A-Z]+__/g, (key) => all[key as keyof typeof all] ?? key)
    )
    fs.chmodSync(to, 0o755)
  }

  /** A secret the world hands out: masked in every text a test shows. */
  secret(prefix: string): string {
    const value = `${prefix}${randomBytes(12).toString('hex').toUpperCase()}`
    this.secrets.push(value)
    this.masker.add(value)
    return value
  }

  /** The fake GitHub issues a remove token (valid for config.sh remove). */
  issueRemoveToken(): string {
    const token = this.secret('AREMOVE')
    fs.appendFileSync(this.file('github/remove-tokens'), `${token}\n`)
    return token
  }

  /** Every remove token the fake GitHub issued, in order. */
  issuedRemoveTokens = () => this.lines('github/remove-tokens')
  /** Every secret handed out: tokens, keys, the values of `secrets.*`. */
  knownSecrets = () => [...this.secrets]
  mask = (text: string) => this.masker.mask(text)
  /** What the fake config.sh did, one line per call. */
  configLog = () => this.lines('config.log')
  /** GitHub reports a runner online while its listener runs. */
  isOnline = (host: string) => fs.existsSync(join(this.hostHome(host), '.fake/listener-running'))

  /** A runner GitHub lists; with no host made for it, a runner whose host is gone (offline). */
  registerGoneRunner(id: number, name: string, host: string): void {
    fs.appendFileSync(this.file('github/runners'), `${id} ${name} ${host}\n`)
  }

  registeredRunners(): { id: number; name: string; host: string }[] {
    return this.lines('github/runners').map((line) => {
      const [id, name = '', host = ''] = line.split(' ')
      return { id: Number(id), name, host }
    })
  }

  deleteRegistration(id: number): void {
    const kept = this.lines('github/runners').filter((line) => !line.startsWith(`${id} `))
    fs.writeFileSync(this.file('github/runners'), kept.map((line) => `${line}\n`).join(''))
  }

  /** Installed as a service: the `.service` marker, the systemd unit or the launchd plist. */
  serviceInstalled(host: string): boolean {
    const home = this.hostHome(host)
    const units = ['.fake/systemd', 'Library/LaunchAgents'].flatMap((dir) =>
      fs.readdirSync(join(home, dir))
    )
    return fs.existsSync(join(this.runnerDir(host), '.service')) || units.length > 0
  }

  /** Every command line started in the world, in order (argv.log: argc, argv, NUL-separated). */
  commandLines(): string[][] {
    const fields = fs.readFileSync(this.file('argv.log'), 'utf8').split('\0')
    const lines: string[][] = []
    for (let at = 0; at + 1 < fields.length; at += 1 + Number(fields[at])) {
      lines.push(fields.slice(at + 1, at + 1 + Number(fields[at])))
    }
    return lines
  }

  /** The command lines that hold `value`, masked. */
  commandLinesHolding(value: string): string[] {
    return this.commandLines()
      .filter((argv) => argv.some((arg) => arg.includes(value)))
      .map((argv) => this.mask(argv.join(' ')))
  }

  /** Waits until every process of the world has ended by itself; false when some still run. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (processesWhoseEnvironmentHas(`FAKE_WORLD=${this.dir}`).length > 0) {
      if (Date.now() > deadline) return false
      await sleep(50)
    }
    return true
  }

  /** Ends whatever still runs, then deletes the world. */
  remove(): void {
    for (const pid of processesWhoseEnvironmentHas(`FAKE_WORLD=${this.dir}`)) killQuietly(pid)
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

let sharedShims: string | undefined

/** One logging shim per command on the system PATH, made once: thousands of links take a while. */
function shims(): string {
  if (sharedShims) return sharedShims
  const dir = fs.mkdtempSync(join(tmpdir(), 'recipe-shims-'))
  const shim = join(dir, '.shim.sh')
  fs.copyFileSync(join(FAKES, 'shim.sh'), shim)
  fs.chmodSync(shim, 0o755)
  const names = new Set(
    SYSTEM_DIRS.flatMap((path) => (fs.existsSync(path) ? fs.readdirSync(path) : []))
  )
  for (const name of names) if (!STUBS.includes(name)) fs.symlinkSync(shim, join(dir, name))
  return (sharedShims = dir)
}

/** Pids of the processes whose environment holds `entry` (NAME=value), read from /proc (Linux). */
export function processesWhoseEnvironmentHas(entry: string): number[] {
  return fs.readdirSync('/proc').flatMap((name) => {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) return []
    try {
      return fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)
        ? [Number(name)]
        : []
    } catch {
      return [] // The process ended meanwhile, or is not ours.
    }
  })
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
