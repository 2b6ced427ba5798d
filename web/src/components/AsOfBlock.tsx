import { asOfBlock } from '../api/history';

/** The block height an index answer reflects, said on every answer the page shows. */
export function AsOfBlock({ blockHeight }: { blockHeight?: number }) {
    if (blockHeight === undefined) return null;
    return (
        <p className="as-of" data-block-height={blockHeight}>
            <small>Index answer {asOfBlock(blockHeight)}</small>
        </p>
    );
}
