"""Screening: instruments are FHIR R4 Questionnaires, run and scored on the server.

``questionnaire`` reads and refuses instruments, ``scoring`` evaluates answer sets, ``response``
writes and reads QuestionnaireResponses, ``page`` shapes an instrument for a form. These modules
are pure Python and import no Django (an import-linter contract keeps it so).
"""
