// A small reader on foliate-js, as the Foliate app sets it up: paginated, notes as pop-ups
// (foliate-js's FootnoteHandler), the book's own asides hidden from the flow. People read in it
// under `folio serve`; the tests drive it (drive.mjs) through `window.folio`.
import '../foliate/view.js'
import { FootnoteHandler } from '../foliate/footnotes.js'

const OPS = 'http://www.idpf.org/2007/ops'
// What the Foliate app adds to every page: notes pop up, so their asides leave the flow.
const STYLES = `
@namespace epub "${OPS}";
aside[epub|type~="footnote"], aside[epub|type~="endnote"], aside[epub|type~="note"] { display: none; }
`
const $ = id => document.getElementById(id)
const frames = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))
const text = node => (node?.textContent ?? '').replace(/\s+/g, ' ').trim()

const view = document.createElement('foliate-view')
const footnotes = new FootnoteHandler()
let popup = null // the last note shown: {href, type, hidden, text}

const flatten = items => (items ?? []).flatMap(item => [{ label: item.label, href: item.href }, ...flatten(item.subitems)])
const types = el => (el.getAttributeNS(OPS, 'type') ?? '').split(/\s+/)
const roles = el => (el.getAttribute('role') ?? '').split(/\s+/)
const isNoteCall = a => types(a).includes('noteref') || roles(a).includes('doc-noteref')

// Let the paginator finish: it lays out again when fonts and images arrive.
async function settle() {
    const doc = current()?.doc
    await doc?.fonts?.ready
    await Promise.all(Array.from(doc?.images ?? [], img => img.decode().catch(() => {})))
    await frames()
}

const current = () => view.renderer.getContents()[0]

// A closed note's view is closed before it is removed: foliate-js's paginator lays out again
// when its frame leaves the document, and fails on the frame's missing document unless closed.
// (A frame first: the paginator still styles its page in the next animation frame.)
async function closePopup() {
    $('popup').hidden = true
    const old = Array.from($('popup').querySelectorAll('foliate-view'))
    await frames()
    for (const view of old) {
        view.close()
        view.remove()
    }
}

footnotes.addEventListener('before-render', ({ detail }) => {
    closePopup().catch(error => console.error(error))
    detail.view.renderer.setAttribute('flow', 'scrolled')
    detail.view.renderer.setAttribute('margin', '8px')
    $('popup').append(detail.view)
    $('popup').hidden = false
})
footnotes.addEventListener('render', ({ detail }) => {
    detail.view.renderer.setStyles?.(STYLES)
    popup = { href: detail.href, type: detail.type, hidden: Boolean(detail.hidden), text: text(detail.view.renderer.getContents()[0]?.doc?.body) }
})

async function open(url) {
    document.body.append(view)
    await view.open(url)
    view.renderer.setStyles?.(STYLES)
    view.addEventListener('link', e => footnotes.handle(view.book, e)?.catch(error => console.error(error)))
    const toc = flatten(view.book.toc)
    for (const { label, href } of toc) $('contents').append(new Option(label, href))
    $('contents').addEventListener('change', e => view.goTo(e.target.value))
    $('prev').addEventListener('click', () => view.goLeft())
    $('next').addEventListener('click', () => view.goRight())
    $('close').addEventListener('click', () => closePopup())
    document.addEventListener('keydown', e => e.key === 'ArrowLeft' ? view.goLeft() : e.key === 'ArrowRight' ? view.goRight() : e.key === 'Escape' ? closePopup() : null)
    const start = new URLSearchParams(location.search).get('at')
    await view.init({ lastLocation: start, showTextStart: !start })
    await settle()
    return { title: view.book.metadata?.title, sections: view.book.sections.length, toc }
}

// Go to a place and say whether it is on the page now shown.
async function goTo(href) {
    const resolved = view.book.resolveHref(href)
    if (!resolved || resolved.index < 0) return { resolved: false }
    await view.goTo(href)
    await settle()
    const shown = current()
    if (shown?.index !== resolved.index) return { resolved: true, index: shown?.index, wanted: resolved.index, found: false, visible: false }
    const target = resolved.anchor(shown.doc)
    const found = Boolean(target && target.nodeType)
    const range = view.lastLocation?.range
    const visible = found && typeof target !== 'number' && Boolean(range?.intersectsNode(target))
    return { resolved: true, index: shown.index, wanted: resolved.index, found, visible }
}

// One spine item as shown at this size: its images, what is wider than its column, its note calls.
async function section(index) {
    await view.goTo(index)
    await settle()
    const { doc } = current()
    const columnWidth = parseFloat(doc.defaultView.getComputedStyle(doc.documentElement).columnWidth)
    const images = Array.from(doc.querySelectorAll('img'), img => ({
        src: describe(img), loaded: img.complete && img.naturalWidth > 0,
    }))
    const wide = []
    for (const el of doc.body.querySelectorAll('*')) {
        if (wide.some(w => w.element.contains(el))) continue // the widest box says it
        // One box per column an element runs over: each must fit its column.
        const width = Math.max(0, ...Array.from(el.getClientRects(), r => r.width))
        if (width > columnWidth + 1) wide.push({ element: el, width })
    }
    const calls = []
    for (const a of Array.from(doc.querySelectorAll('a[href]')).filter(isNoteCall)) {
        const href = view.book.sections[index].resolveHref?.(a.getAttribute('href')) ?? a.getAttribute('href')
        calls.push({ id: a.id, href, label: text(a), note: await noteText(href, index, doc) })
    }
    return {
        href: view.book.sections[index].id, columnWidth, images, calls,
        wide: wide.map(({ element, width }) => ({ what: describe(element), width: Math.round(width) })),
    }
}

function describe(el) {
    const name = el.localName + (el.id ? `#${el.id}` : '')
    // foliate-js gives an image a blob: address of its own; its alternative text names it.
    return el.localName === 'img' ? `${name} “${el.alt}”` : `${name} “${text(el).slice(0, 40)}”`
}

// The text a note call should show: its target's, as the book has it (read from the document
// shown, when the note is in it, as foliate-js's notes are).
async function noteText(href, shownIndex, shownDoc) {
    const resolved = view.book.resolveHref(href)
    if (!resolved || resolved.index < 0) return null
    const doc = resolved.index === shownIndex ? shownDoc : await view.book.sections[resolved.index].createDocument()
    const target = resolved.anchor(doc)
    return target?.nodeType ? text(target) : null
}

// Where a reader would tap a note call, in the page's coordinates, once it is on the page.
async function callPoint(sectionHref, id) {
    const place = await goTo(`${sectionHref}#${id}`)
    if (!place.visible) return { ...place, x: null, y: null }
    const { doc } = current()
    const rect = Array.from(doc.getElementById(id).getClientRects()).find(r => r.width > 0) ?? doc.getElementById(id).getBoundingClientRect()
    const frame = doc.defaultView.frameElement.getBoundingClientRect()
    popup = null
    await closePopup()
    return { ...place, x: frame.left + rect.left + rect.width / 2, y: frame.top + rect.top + rect.height / 2 }
}

async function shownNote(timeout = 3000) {
    for (const start = Date.now(); Date.now() - start < timeout; await new Promise(r => setTimeout(r, 25)))
        if (popup) break
    if (!popup) return null
    const box = $('popup').getBoundingClientRect()
    const onScreen = !$('popup').hidden && box.width > 0 && box.height > 0 && box.bottom <= innerHeight && box.right <= innerWidth
    const shown = { ...popup, onScreen }
    await closePopup()
    return shown
}

const params = new URLSearchParams(location.search)
const book = params.get('book')
// Under `folio serve`: read the book again when it is rebuilt (the first event is the build
// shown), at the place the reader had reached.
if (params.has('live')) {
    let shown = null
    new EventSource('/events').onmessage = e => {
        if (shown === null) shown = e.data
        else if (e.data !== shown) {
            const url = new URL(location.href)
            if (view.lastLocation?.cfi) url.searchParams.set('at', view.lastLocation.cfi)
            location.replace(url)
        }
    }
}
window.folio = { open, goTo, section, callPoint, shownNote, ready: book ? open(book) : Promise.reject(new Error('no ?book= given')) }
