export { runL5, l5Dir, flowPackPath, flowFactsPackPath, l5ManifestPath, type L5Options, type L5Manifest, type L5FileEntry } from './run';
export { L5_FORMAT } from './keys';
export { L5Reader } from './stream';
export { countFlow, analyseSource, type FlowCounts } from './file-task';
export { flowStage, openStagedFlow, removeStagedFlow, type StagedFlow } from './staged';
export { encodeFlowRecord, decodeFlowRecord, encodeFactsRecord, decodeFactsRecord } from './codec';
