export {saveLatentTable, loadLatentTable} from './save-latent-table';
