"""The queue floor's read types: the TV board (`board`) and a line's statistics and estimates
(`stats`). Thin: the rules live in app.floor.
"""
