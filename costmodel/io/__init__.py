"""Every reader and writer of files and the network: the catalogue in ``data/``, API price sources,
calibration points, users' uploads, CSV exports. The rest of ``costmodel`` reads none."""
