export {fileHandler} from './file-handler';
