"""`slogen serve`: the SLO catalog, live status and one page per SLO, in the browser.

Data flows one way here too: pipeline.check builds the model, catalog.py turns it into the rows the pages list,
status.py and detail.py read the recorded series the rules write (naming.py) through prometheus.py, charts.py
draws them as SVG, and app.py only routes requests and renders templates. Nothing here renders rules or writes files.
"""
