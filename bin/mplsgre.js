#!/usr/bin/env node
import '../dist/bundle/mplsgre.js';
