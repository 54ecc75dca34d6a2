// The web edition's notes pop up, as an EPUB reading system shows them: a tap on a note call
// shows its note over the text (the Popover API). Without scripts, the call leads to the note.
document.documentElement.classList.add('notes-pop-up')
document.addEventListener('click', event => {
    const call = event.target.closest('a[role~="doc-noteref"]')
    if (!call) return
    const note = document.getElementById(call.getAttribute('href').slice(1))
    if (!note) return
    event.preventDefault()
    const popup = document.getElementById('note-popup')
    popup.replaceChildren(...Array.from(note.childNodes, node => node.cloneNode(true)))
    popup.showPopover()
})
