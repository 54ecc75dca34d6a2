// For tests/preview/test_serve.py: watch a `folio serve` page in Debian's headless Chromium while the
// test edits the source. Prints "shown BEFORE" once the web edition and the EPUB in the reader
// show BEFORE, then waits for both to show AFTER (they reload by themselves), taps the first
// note call on the web page, takes a screenshot, and prints "shown AFTER".
//   node serve_browser.mjs CHROMIUM MODULES BASE EPUB BEFORE AFTER SCREENSHOT
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

const [executablePath, modules, base, epub, before, after, screenshot] = process.argv.slice(2)
const { chromium } = await import(pathToFileURL(join(modules, 'playwright-core', 'index.mjs')).href)
const browser = await chromium.launch({ executablePath, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
const errors = []
const open = async url => {
    const page = await browser.newPage({ viewport: { width: 640, height: 480 } })
    page.on('pageerror', error => errors.push(String(error)))
    page.on('console', m => m.type() === 'error' && errors.push(m.text()))
    await page.goto(url)
    return page
}
// Whether any frame of the page (the reader's book is in frames) shows the text.
const shows = async (page, text) => {
    for (const frame of page.frames())
        if (await frame.evaluate(t => (document.body?.innerText ?? '').includes(t), text).catch(() => false)) return true
    return false
}
const waitFor = async (pages, text) => {
    for (const start = Date.now(); Date.now() - start < 90000; await new Promise(r => setTimeout(r, 200)))
        if ((await Promise.all(pages.map(p => shows(p, text)))).every(Boolean)) return
    throw new Error(`never shown: ${text}`)
}
try {
    const web = await open(`${base}web/text.html`)
    const book = await open(`${base}engine/reader.html?live&book=${encodeURIComponent(epub)}`)
    await waitFor([web, book], before)
    console.log(`shown ${before}`)
    await waitFor([web, book], after)
    await web.click('a[role~="doc-noteref"]')
    await web.waitForSelector('#note-popup:popover-open')
    await web.screenshot({ path: screenshot })
    if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`)
    console.log(`shown ${after}`)
} finally {
    await browser.close()
}
