/**
 * Pyright's language server as a child process, spoken to over stdio through `vscode-languageserver-protocol`.
 *
 * Why the language server and not the CLI: `pyright --outputjson` reports diagnostics only; definitions of the
 * names at given positions need `textDocument/definition`, which only the server answers. One server per L3 run
 * keeps what it parsed of the workspace (imports, typeshed) across all files of the project.
 *
 * The Python that is indexed is never executed: without a configured interpreter the server runs with a PATH
 * holding no `python`, so its search-path probe (it runs `python -c …` to list site-packages) finds nothing and
 * it resolves imports from the workspace roots and `extraPaths` we give it, plus its bundled typeshed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DefinitionRequest,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  ExitNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Location,
  type LocationLink,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { pyrightServerEntry } from './pyright-package';

/** The Python environment Pyright may read (never run, unless `pythonPath` is given). */
export interface PythonEnv {
  /** An interpreter the user configured: Pyright runs it once to list its search paths. */
  pythonPath?: string;
  /** A folder of virtual environments and the one to use (Pyright's `venvPath` / `venv`). */
  venvPath?: string;
  venv?: string;
  /** More import roots (absolute or relative to the index root), after the workspace's own source roots. */
  extraPaths?: string[];
}

export interface PyrightClientOptions {
  /** The index root: Pyright's workspace folder. */
  root: string;
  /** Import roots: the source roots of this project and of the projects it depends on (absolute). */
  sourceRoots: string[];
  env?: PythonEnv;
  /** Heap ceiling of the server process (MB). */
  maxOldSpaceMb: number;
}

export type DefinitionAnswer = Array<{ uri: string; range: [number, number, number, number] }>;


export class PyrightClient {
  private readonly proc: ChildProcess;
  private readonly conn: ProtocolConnection;
  private readonly emptyPathDir: string | undefined;
  private exited = false;
  private exitWaiters: Array<() => void> = [];

  private constructor(private readonly o: PyrightClientOptions) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (!o.env?.pythonPath) {
      // No interpreter configured: nothing named python can be found, so Pyright runs none.
      this.emptyPathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-l3-nopython-'));
      env.PATH = this.emptyPathDir;
      delete env.VIRTUAL_ENV;
      delete env.CONDA_PREFIX;
    }
    this.proc = spawn(process.execPath, [`--max-old-space-size=${Math.max(256, Math.floor(o.maxOldSpaceMb))}`, pyrightServerEntry(), '--stdio'], {
      cwd: o.root,
      env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.proc.on('exit', () => {
      this.exited = true;
      for (const w of this.exitWaiters) w();
      this.exitWaiters = [];
    });
    this.proc.on('error', () => undefined);
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map((i) => this.settings(i.section)));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('workspace/diagnostic/refresh', () => null);
    this.conn.onError(() => undefined);
    this.conn.onClose(() => undefined);
    this.conn.listen();
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  static async start(o: PyrightClientOptions): Promise<PyrightClient> {
    const c = new PyrightClient(o);
    await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(o.root).href,
      workspaceFolders: [{ uri: pathToFileURL(o.root).href, name: path.basename(o.root) }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        // Pull diagnostics: Pyright then checks a file only when asked (`textDocument/diagnostic`), never in the
        // background — so a file's diagnostics are its full check, whatever else is in flight, and a run without
        // diagnostics pays for no checking at all.
        textDocument: { definition: { linkSupport: false }, diagnostic: { dynamicRegistration: true } },
      },
      initializationOptions: {},
    });
    await c.conn.sendNotification(InitializedNotification.type, {});
    return c;
  }

  /** What the server asks for in `workspace/configuration`, by section. */
  private settings(section: string | undefined): unknown {
    const e = this.o.env ?? {};
    const analysis = {
      extraPaths: [...this.o.sourceRoots, ...(e.extraPaths ?? []).map((p) => path.resolve(this.o.root, p))],
      // Only the files L3 opens are checked; the rest of the workspace is read only as far as imports reach.
      diagnosticMode: 'openFilesOnly',
      autoSearchPaths: false,
      useLibraryCodeForTypes: true,
      typeCheckingMode: 'standard',
      autoImportCompletions: false,
      indexing: false,
    };
    const python = { ...(e.pythonPath ? { pythonPath: path.resolve(this.o.root, e.pythonPath) } : {}), ...(e.venvPath ? { venvPath: path.resolve(this.o.root, e.venvPath) } : {}), ...(e.venv ? { venv: e.venv } : {}), analysis };
    if (section === 'python.analysis') return analysis;
    if (section === 'python') return python;
    if (section === 'pyright') return { disableLanguageServices: false, disableOrganizeImports: true };
    return null;
  }

  /**
   * Opens a file, asks the definition at every position (pipelined), then its diagnostics when asked to (a full
   * check of the file: the costly part), closes it. Answers are in the order of `positions`; a position the server
   * could not answer gets `[]`.
   */
  async queryFile(
    absPath: string,
    text: string,
    positions: ReadonlyArray<readonly [number, number]>,
    withDiagnostics: boolean,
    onAnswer?: (index: number) => void,
  ): Promise<{ answers: DefinitionAnswer[]; diagnostics: Diagnostic[] }> {
    const uri = pathToFileURL(absPath).href;
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
    const answers = await Promise.all(
      positions.map(async ([line, character], i) => {
        try {
          const r = await this.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line, character } });
          return toLocations(r);
        } catch {
          return [];
        } finally {
          onAnswer?.(i);
        }
      }),
    );
    let diagnostics: Diagnostic[] = [];
    if (withDiagnostics) {
      const r = await this.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
      diagnostics = r.kind === 'full' ? r.items : [];
    }
    if (this.alive) await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    return { answers, diagnostics };
  }

  /** Stops the server politely, then for good. */
  async stop(): Promise<void> {
    if (this.alive) {
      try {
        await withTimeout(this.conn.sendRequest(ShutdownRequest.type), 5_000);
        await this.conn.sendNotification(ExitNotification.type);
      } catch {
        /* killed below */
      }
      await withTimeout(new Promise<void>((r) => (this.exited ? r() : this.exitWaiters.push(r))), 3_000).catch(() => undefined);
    }
    this.kill();
  }

  /** Kills the server now (budget exhausted): what was answered so far stays. */
  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
    this.conn.dispose();
    if (this.emptyPathDir) fs.rmSync(this.emptyPathDir, { recursive: true, force: true });
  }
}

function toLocations(r: Location | Location[] | LocationLink[] | null): DefinitionAnswer {
  if (!r) return [];
  const list = Array.isArray(r) ? r : [r];
  return list.map((l) => {
    const uri = 'targetUri' in l ? l.targetUri : l.uri;
    const rg = 'targetSelectionRange' in l ? l.targetSelectionRange : l.range;
    return { uri, range: [rg.start.line, rg.start.character, rg.end.line, rg.end.character] };
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
