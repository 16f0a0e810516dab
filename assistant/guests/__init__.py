"""The AI host for guests, on the public booking page: its tools and its stream.

A guest's conversation (`Thread.for_guests`) gets tools of its own: they see the restaurant of
the conversation and nothing else, book through the online-booking rules (source `online`, with
a manage link), and read back only the bookings made in that conversation. Whatever the model
is talked into asking, another restaurant or another guest's booking is refused here, in code.
"""
