/**
 * A temporary world for the recipe tests: fake runner hosts (each a home directory with an
 * `actions-runner` directory whose config.sh and svc.sh behave as actions/runner's do), a fake
 * GitHub that knows the registered runners and the remove tokens it issued, and stand-ins for
 * ssh, sudo and uname. Every command started in the world is logged with its command line.
 * See fake-host/README.md for what each fake models.
 */
import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

const FAKES = fileURLToPath(new URL('./fake-host/', import.meta.url))
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

export interface CommandLine {
  pid: number
  argv: string[]
}

export class FakeWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'recipe-world-'))
  /** PATH for every step and host: the stand-ins, then the logging shims of system commands. */
  readonly path = `${this.dir}/stubs:${this.dir}/shims`
  readonly github = join(this.dir, 'github')
  private readonly secrets = new Set<string>()

  constructor(hosts: HostSpec[]) {
    for (const name of ['stubs', 'github', 'hosts']) mkdirSync(join(this.dir, name))
    symlinkSync(shims(), join(this.dir, 'shims'))
    writeFileSync(join(this.dir, 'argv.log'), '')
    writeFileSync(join(this.github, 'remove-tokens'), '')
    writeFileSync(join(this.github, 'runners'), '')
    this.install('worker.sh', join(this.dir, 'worker.sh'))
    for (const stub of STUBS) this.install(stub, join(this.dir, 'stubs', stub))
    for (const host of hosts) this.addHost(host)
  }

  /** Deletes the shims every world of this test file shared. */
  static removeShims(): void {
    if (sharedShims) rmSync(sharedShims, { recursive: true, force: true })
    sharedShims = undefined
  }

  hostHome(name: string): string {
    return join(this.dir, 'hosts', name)
  }

  runnerDir(name: string): string {
    return join(this.hostHome(name), 'actions-runner')
  }

  private addHost(spec: HostSpec): void {
    const { name, runnerId, runnerName, os = 'Linux', service = true, sudo = 'nopasswd' } = spec
    const home = this.hostHome(name)
    const runner = this.runnerDir(name)
    const fake = join(home, '.fake')
    for (const dir of [join(runner, 'bin'), join(fake, 'systemd')])
      mkdirSync(dir, { recursive: true })
    writeFileSync(join(fake, 'os'), `${os}\n`)
    writeFileSync(join(fake, 'sudo'), `${sudo}\n`)
    if (spec.unreachable) writeFileSync(join(fake, 'unreachable'), '')
    writeFileSync(join(fake, 'listener-running'), '')
    writeFileSync(
      join(runner, '.runner'),
      JSON.stringify({ agentId: runnerId, agentName: runnerName, poolId: 1 }, null, 2)
    )
    writeFileSync(join(runner, '.credentials'), '{}\n')
    const values = { __HOST__: home, __RUNNER__: runnerName }
    this.install('config.sh', join(runner, 'config.sh'), values)
    const flavour = os === 'Darwin' ? 'macos' : 'linux'
    this.install(`svc-${flavour}.sh`, join(runner, 'svc.sh'), values)
    const template =
      os === 'Darwin' ? 'actions.runner.plist.template' : 'actions.runner.service.template'
    writeFileSync(join(runner, 'bin', template), '')
    if (service) {
      const unit = `actions.runner.octo-org.${runnerName}`
      if (os === 'Darwin') {
        const plist = join(home, 'Library/LaunchAgents', `${unit}.plist`)
        mkdirSync(join(home, 'Library/LaunchAgents'), { recursive: true })
        writeFileSync(plist, '')
        writeFileSync(join(runner, '.service'), `${plist}\n`)
      } else {
        writeFileSync(join(fake, 'systemd', `${unit}.service`), '')
        writeFileSync(join(runner, '.service'), `${unit}.service\n`)
      }
    }
    appendFileSync(join(this.github, 'runners'), `${runnerId} ${runnerName} ${name}\n`)
  }

  /** Copies a fake into the world, with the world's paths written into it. */
  private install(fake: string, to: string, values: Record<string, string> = {}): void {
    let text = readFileSync(join(FAKES, fake), 'utf8')
    for (const [key, value] of Object.entries({
      __WORLD__: this.dir,
      __PATH__: this.path,
      ...values
    })) {
      text = text.replaceAll(key, value)
    }
    writeFileSync(to, text)
    chmodSync(to, 0o755)
  }

  /** A secret the world hands out: masked in every text a test shows. */
  secret(prefix: string): string {
    const value = `${prefix}${randomBytes(12).toString('hex').toUpperCase()}`
    this.secrets.add(value)
    return value
  }

  /** The fake GitHub issues a remove token (valid for config.sh remove). */
  issueRemoveToken(): string {
    const token = this.secret('AREMOVE')
    appendFileSync(join(this.github, 'remove-tokens'), `${token}\n`)
    return token
  }

  /** Every remove token the fake GitHub issued, in order. */
  issuedRemoveTokens(): string[] {
    return readFileSync(join(this.github, 'remove-tokens'), 'utf8').split('\n').filter(Boolean)
  }

  /** Every secret handed out: tokens, keys, the values of `secrets.*`. */
  knownSecrets(): string[] {
    return [...this.secrets]
  }

  /** A runner GitHub still lists whose host no longer exists (so it is offline). */
  registerGoneRunner(id: number, name: string, host: string): void {
    appendFileSync(join(this.github, 'runners'), `${id} ${name} ${host}\n`)
  }

  registeredRunners(): { id: number; name: string; host: string }[] {
    return readFileSync(join(this.github, 'runners'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, name, host] = line.split(' ')
        return { id: Number(id), name: name as string, host: host as string }
      })
  }

  /** GitHub reports a runner online while its listener runs. */
  isOnline(host: string): boolean {
    return existsSync(join(this.hostHome(host), '.fake', 'listener-running'))
  }

  deleteRegistration(id: number): void {
    const kept = this.registeredRunners().filter((runner) => runner.id !== id)
    writeFileSync(
      join(this.github, 'runners'),
      kept.map(({ id, name, host }) => `${id} ${name} ${host}\n`).join('')
    )
  }

  /** Installed as a service: the `.service` marker, the systemd unit or the launchd plist. */
  serviceInstalled(host: string): boolean {
    const home = this.hostHome(host)
    const units = [
      ...readdirSync(join(home, '.fake', 'systemd')),
      ...(existsSync(join(home, 'Library/LaunchAgents'))
        ? readdirSync(join(home, 'Library/LaunchAgents'))
        : [])
    ]
    return existsSync(join(this.runnerDir(host), '.service')) || units.length > 0
  }

  /** Every command line started in the world, in order: argv.log holds pid, argc, argv (NUL-separated). */
  commandLines(): CommandLine[] {
    const fields = readFileSync(join(this.dir, 'argv.log'), 'utf8').split('\0')
    const lines: CommandLine[] = []
    for (let at = 0; at + 1 < fields.length;) {
      const pid = Number(fields[at])
      const argc = Number(fields[at + 1])
      lines.push({ pid, argv: fields.slice(at + 2, at + 2 + argc) })
      at += 2 + argc
    }
    return lines
  }

  /** The command lines that hold `value`, masked. */
  commandLinesHolding(value: string): string[] {
    return this.commandLines()
      .filter(({ argv }) => argv.some((arg) => arg.includes(value)))
      .map(({ argv }) => this.mask(argv.join(' ')))
  }

  /** What the fake config.sh did, one line per call. */
  configLog(): string[] {
    const path = join(this.dir, 'config.log')
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []
  }

  mask(text: string): string {
    let masked = text
    for (const secret of this.secrets) masked = masked.replaceAll(secret, '***')
    return masked
  }

  /** Processes started in this world that still run (they carry FAKE_WORLD in their environment). */
  livingProcesses(): number[] {
    return processesWhoseEnvironmentHas(`FAKE_WORLD=${this.dir}`)
  }

  /** Waits until every process of the world has ended by itself; false when some still run. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.livingProcesses().length > 0) {
      if (Date.now() > deadline) return false
      await sleep(50)
    }
    return true
  }

  /** Ends whatever still runs, then deletes the world. */
  remove(): void {
    for (const pid of this.livingProcesses()) killQuietly(pid)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

let sharedShims: string | undefined

/** One logging shim per command on the system PATH, made once: thousands of links take a while. */
function shims(): string {
  if (sharedShims) return sharedShims
  const dir = mkdtempSync(join(tmpdir(), 'recipe-shims-'))
  const shim = join(dir, '.shim.sh')
  writeFileSync(shim, readFileSync(join(FAKES, 'shim.sh')))
  chmodSync(shim, 0o755)
  const names = new Set(SYSTEM_DIRS.flatMap((path) => (existsSync(path) ? readdirSync(path) : [])))
  for (const name of names) if (!STUBS.includes(name)) symlinkSync(shim, join(dir, name))
  sharedShims = dir
  return dir
}

/** Pids of the processes whose environment holds `entry` (NAME=value), read from /proc. */
export function processesWhoseEnvironmentHas(entry: string): number[] {
  if (!existsSync('/proc/self/environ')) {
    throw new Error('The recipe tests read process environments from /proc: run them on Linux.')
  }
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) {
        found.push(Number(name))
      }
    } catch {
      // The process ended meanwhile, or is not ours.
    }
  }
  return found
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
