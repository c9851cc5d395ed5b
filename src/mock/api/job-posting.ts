// The one seeded job posting, with the system fields the docs name (docs/sources.md, "Ashby docs: custom careers page"): name, email, resume (File).
export const DEFAULT_JOB_POSTING_ID = '4be0e8c0-9323-43a0-ab48-506789ab9c16';

const field = (id: string, type: string, path: string, title: string) => ({
  isRequired: true,
  field: { id, type, path, humanReadablePath: title, title, isNullable: false },
});

export const APPLICATION_FORM_DEFINITION = {
  sections: [
    {
      title: 'Application',
      fields: [
        field('0f6a1f9e-0000-4000-8000-000000000001', 'String', '_systemfield_name', 'Name'),
        field('0f6a1f9e-0000-4000-8000-000000000002', 'Email', '_systemfield_email', 'Email'),
        field('0f6a1f9e-0000-4000-8000-000000000003', 'File', '_systemfield_resume', 'Resume'),
      ],
    },
  ],
};

export const JOB_POSTING = {
  id: DEFAULT_JOB_POSTING_ID,
  title: 'Mock Software Engineer',
  descriptionPlain: 'A seeded posting of the upload-harness mock.',
  isListed: true,
  applicationFormDefinition: APPLICATION_FORM_DEFINITION,
  surveyFormDefinitions: [],
};

/** Submissions with this email fail validation (docs/sources.md, "Ashby OpenAPI: applicationForm.submit": it simulates a validation failure). */
export const FAIL_VALIDATION_EMAIL = 'testing-fail-validation@example.com';
