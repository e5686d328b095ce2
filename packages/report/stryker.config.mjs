import {strykerConfig} from '../../tooling/mutation/stryker.base.mjs';

// The writers: the atomic file writer and what writes the bytes of each kind of file it is given.
export default strykerConfig({
  name: 'report',
  mutate: ['src/write-file-atomic.ts', 'src/to-csv.ts', 'src/to-markdown-table.ts', 'src/table-columns.ts', 'src/encode-png.ts', 'src/crc32.ts'],
});
