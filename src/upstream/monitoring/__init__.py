"""Monitoring: releases of aggregate figures (the small-cell suppression engine for now)."""
