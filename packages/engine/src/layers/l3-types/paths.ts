/** Where L3 writes, in a project's output directory (its own module: readers need no Pyright client loaded). */
import * as path from 'node:path';

export const l3Dir = (outDir: string) => path.join(outDir, 'l3');
export const typesPackPath = (outDir: string) => path.join(l3Dir(outDir), 'types.pack');
export const l3ManifestPath = (outDir: string) => path.join(l3Dir(outDir), 'manifest.json');
export const l3DiagnosticsPath = (outDir: string) => path.join(l3Dir(outDir), 'diagnostics.json');
