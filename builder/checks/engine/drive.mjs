// Reads books in foliate-js (reader.html) in Debian's headless Chromium, as a reader would, and
// prints what went wrong as JSON. One browser for every book, at each of its sizes.
//
//   node drive.mjs JOB.json      JOB: {chromium, modules, base, books: [{name, url, sizes: [{name, width, height}]}], parallel}
// Prints {"results": [{book, size, findings: [{check, where, message}], checked: {toc, sections, images, notes}}]}.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'))
// playwright-core is installed by scripts/reader into its own folder, not beside this file.
const { chromium } = await import(pathToFileURL(join(job.modules, 'playwright-core', 'index.mjs')).href)
// Debian's Chromium, headless, offline, and a fresh profile for this run only.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync']
// foliate-js's own words when it cannot load part of a book (it warns and goes on); for a
// document that is not well-formed XHTML it warns the browser's parser error.
const ENGINE_FAILURES = /Failed to load|Invalid XHTML|This page contains the following errors|Could not (find|resolve|go to)|Failed to extract/

// foliate-js 1.0.1's own race, not the book's: its paginator's ResizeObserver can fire for a
// view whose element is already gone when the reader moves to another section (seen once in
// about ten runs of Capital at the tablet size). Only that exact error is passed over.
const ENGINE_RACE = error => /Cannot destructure property 'style' of 'el' as it is null/.test(String(error.message))
    && /paginator\.js/.test(String(error.stack)) && /#observer/.test(String(error.stack))

const profile = mkdtempSync(join(tmpdir(), 'folio-reader-'))
const context = await chromium.launchPersistentContext(profile, {
    executablePath: job.chromium, headless: true, args: FLAGS, ignoreDefaultArgs: ['--enable-automation'],
})
// Each book at each size in a page of its own, `job.parallel` pages at a time: one page at a time
// keeps the browser's processes on about one core.
const readings = job.books.flatMap(book => book.sizes.map(size => ({ book, size })))
const results = new Array(readings.length)
let next = 0
async function reader() {
    while (next < readings.length) {
        const index = next++
        const { book, size } = readings[index]
        results[index] = { book: book.name, size: size.name, ...await read(book, size) }
    }
}
try {
    await Promise.all(Array.from({ length: Math.max(1, job.parallel ?? 1) }, reader))
} finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
}
process.stdout.write(JSON.stringify({ results }) + '\n')

async function read(book, size) {
    const findings = []
    const checked = { toc: 0, sections: 0, images: 0, notes: 0 }
    const found = (check, where, message) => findings.push({ check, where, message })
    const page = await context.newPage()
    page.on('console', message => {
        const text = message.text()
        if (message.type() === 'error' || (message.type() === 'warning' && ENGINE_FAILURES.test(text)))
            found('console', message.location()?.url?.split('/').pop() ?? '', `${message.type()}: ${text.slice(0, 300)}`)
    })
    page.on('pageerror', error => {
        if (!ENGINE_RACE(error)) found('console', '', `uncaught: ${String(error.stack ?? error).slice(0, 600)}`)
    })
    try {
        await page.setViewportSize({ width: size.width, height: size.height })
        await page.goto(`${job.base}/engine/reader.html?book=${encodeURIComponent(book.url)}`)
        const opened = await page.evaluate(() => folio.ready)
        if (!opened.toc.length) found('toc', '', 'the engine finds no contents')
        for (const { label, href } of opened.toc) {
            checked.toc++
            const place = await page.evaluate(href => folio.goTo(href), href)
            if (!place.resolved) found('toc', href, `contents entry “${label}” points at nothing in the book`)
            else if (!place.found) found('toc', href, `contents entry “${label}” opens, but its target is not there`)
            else if (!place.visible) found('toc', href, `contents entry “${label}” opens a page that does not show its target`)
        }
        for (let index = 0; index < opened.sections; index++) {
            const section = await page.evaluate(index => folio.section(index), index)
            checked.sections++
            checked.images += section.images.length
            checked.notes += section.calls.length
            for (const image of section.images)
                if (!image.loaded) found('image', section.href, `image ${image.src} does not load`)
            for (const wide of section.wide)
                found('wide', section.href, `${wide.what} is ${wide.width} px wide on a page ${Math.round(section.columnWidth)} px wide`)
            for (const call of section.calls) await tapNote(page, section, call, found)
        }
    } catch (error) {
        found('open', '', `the book could not be read: ${String(error).split('\n')[0].slice(0, 300)}`)
    } finally {
        // A page the browser has already lost is no reason to lose the other books' readings.
        await page.close().catch(() => {})
    }
    return { findings, checked }
}

// Tap a note call where it is on the page; its note must pop up with the note's own text.
async function tapNote(page, section, call, found) {
    const where = `${section.href}#${call.id}`
    const expected = call.note
    if (expected === null) return found('note', where, `note call ${call.label} points at ${call.href}, which is not in the book`)
    const point = await page.evaluate(([href, id]) => folio.callPoint(href, id), [section.href, call.id])
    if (point.x === null) return found('note', where, `note call ${call.label} is not on the page the engine shows for it`)
    await page.mouse.click(point.x, point.y)
    const shown = await page.evaluate(() => folio.shownNote())
    if (!shown) return found('note', where, `tapping note call ${call.label} shows no note`)
    if (shown.type !== 'footnote' || !shown.hidden)
        found('note', where, `note call ${call.label} opens a ${shown.type ?? 'plain'} pop-up, not a footnote's`)
    if (shown.text !== expected)
        found('note', where, `note call ${call.label} shows “${shown.text.slice(0, 60)}”, not its note “${expected.slice(0, 60)}”`)
    if (!shown.onScreen) found('note', where, `note call ${call.label}: its pop-up does not fit the screen`)
}
