export {isTemporaryFile, writeFileAtomic, writeJsonAtomic} from './write-file-atomic';
export {encodePng} from './encode-png';
export {renderImageGrid} from './render-image-grid';
export {renderScatterPng} from './render-scatter-png';
