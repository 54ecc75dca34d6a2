// DAISY Ace on several EPUBs in one Node process and one headless Chromium. Ace's own command
// line starts both for every book, about nine seconds of CPU before it reads a page.
//
//   node ace-batch.cjs OUT EPUB…     run in Ace's install folder (scripts/ace does); writes
//                                    OUT/<n>/report.json for the n-th EPUB, or says on stderr
//                                    why it could not check it, and exits 2 if any failed.
'use strict'
const path = require('path')
const { createRequire } = require('module')

const need = createRequire(path.join(process.cwd(), 'package.json'))
const logger = need('@daisy/ace-logger')
const ace = need('@daisy/ace-core')
const runner = need('@daisy/ace-axe-runner-puppeteer')

// Ace launches and closes its browser around each book; here it is launched once.
let launched = null
const shared = Object.assign(Object.create(runner), {
    launch: () => (launched ??= runner.launch()),
    close: async () => {},
})

async function main([out, ...books]) {
    logger.initLogger({ verbose: false, silent: true })
    let status = 0
    try {
        for (const [number, epub] of books.entries()) {
            const options = { cwd: process.cwd(), outdir: path.join(out, String(number)), silent: true, verbose: false, jobId: '' }
            try {
                await ace(path.resolve(epub), options, shared)
            } catch (error) {
                console.error(`${epub}: Ace could not check it: ${String(error?.message ?? error).split('\n')[0]}`)
                status = 2
            }
        }
    } finally {
        if (launched) {
            await launched
            await runner.close()
        }
    }
    return status
}

main(process.argv.slice(2)).then(code => process.exit(code), error => {
    console.error(`Ace could not run: ${error?.stack ?? error}`)
    process.exit(2)
})
