"""WXML: parse templates into a tree, then generate the view layer's render code."""
