"""The guests' side: the public booking page at /r/<slug>/, its manage links and abuse limits.

`selectors` reads what a guest may book (the seating engine's answer through
`bookings.availability`, narrowed by the restaurant's online rules); `services` books, moves
and cancels through `bookings.services` with source `online`; `links` signs the manage links;
`limits` counts requests in Redis; `views` renders the pages.
"""
