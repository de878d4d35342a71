"""Report: the scheduled runner (``python -m helpers.report``) and the pages it writes.

Config, inputs and hashes, the output folder, worker, pool and signals, the HTML export, the
landing page and what changed between runs. The top layer: nothing imports it.
"""
